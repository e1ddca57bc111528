export {
  parseClickToCall,
  verifyClickToCallSignature,
  signatureCandidates,
  signClickToCall,
  type ClickToCallRequest,
  type ClickToCallParse,
  type SignatureCheck,
  type SignatureVariant,
} from './parse.ts';
